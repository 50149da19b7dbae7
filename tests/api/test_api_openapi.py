"""The OpenAPI document loads and documents every parameter and response."""

from __future__ import annotations

from fastapi.testclient import TestClient

LIST_PATHS = ["/documents", "/speakers", "/statements", "/quotes", "/declarations", "/clauses",
              "/speakers/{id_or_slug}/statements", "/speakers/{id_or_slug}/quotes",
              "/documents/{document_id}/statements", "/declarations/{declaration_id}/clauses"]


def test_openapi_documents_everything(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Verbatim" and spec["info"]["description"]
    assert {t["name"] for t in spec["tags"]} >= {"statements", "speakers", "documents", "declarations", "clauses"}
    for path in LIST_PATHS + ["/extract", "/healthz", "/statements/{statement_id}", "/speakers/{id_or_slug}"]:
        assert path in spec["paths"], path
    assert not any(p.startswith("/api") for p in spec["paths"])
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary") and op.get("description") and op.get("tags"), where
            for param in op.get("parameters", []):
                assert param.get("description"), f"{where} {param['name']}: no description"
                assert "example" in param, f"{where} {param['name']}: no example"
            if "204" not in op["responses"]:  # DELETE answers without a body
                success = op["responses"].get("200") or op["responses"]["201"]
                if "text/html" not in success["content"]:  # the embeddable card is HTML
                    ok = success["content"]["application/json"]
                    assert "schema" in ok or "example" in ok, where
            for code, response in op["responses"].items():
                if code[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], f"{where} {code}"
    for name, schema in spec["components"]["schemas"].items():
        assert schema.get("examples"), f"schema {name} has no example"
    statements = {p["name"] for p in spec["paths"]["/statements"]["get"]["parameters"]}
    assert statements == {"speaker", "document_id", "kind", "form", "via", "cue", "q", "published_after",
                          "published_before", "quotation_id", "sort", "limit", "cursor", "format", "facet"}
    statement = spec["components"]["schemas"]["StatementOut"]
    assert {"form", "via", "speakers"} <= set(statement["required"])
    example = statement["examples"][0]
    assert example["speakers"] == [example["speaker"]] and example["form"] == "quote"
    for name in ("form", "via", "speakers"):
        assert statement["properties"][name].get("description") and statement["properties"][name].get("examples")


def test_docs_page(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()


def test_openapi_json_is_cacheable_like_every_get(client: TestClient) -> None:
    first = client.get("/openapi.json")
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    again = client.get("/openapi.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/docs").status_code == 200


def test_list_query_parameters_are_documented_as_fastapi_documents_a_query_model() -> None:
    """Lists read their query model themselves (ListQuery) and document it in ``openapi_extra``;
    the parameters must be exactly those FastAPI writes for the same model declared as
    ``Annotated[Model, Query()]``, so clients and /docs see no difference."""
    from typing import Annotated, Any

    from fastapi import FastAPI, Query

    from app.api.common import ListQuery
    from app.api.statements import STATEMENT_LISTING

    model = STATEMENT_LISTING.params
    reference = FastAPI()

    def declared(params: Any) -> None:
        """FastAPI's own handling, for comparison."""

    # set as objects: this module's annotations are strings, and ``model`` is a local
    declared.__annotations__ = {"params": Annotated[model, Query()], "return": None}
    reference.add_api_route("/statements", declared, methods=["GET"])
    expected = reference.openapi()["paths"]["/statements"]["get"]["parameters"]
    assert ListQuery(model).openapi_parameters() == expected
