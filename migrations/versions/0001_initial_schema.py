"""Initial schema: documents, speakers (aliases, mentions), statements, declarations, clauses.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 04:52:29.927742
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('dateline', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('statement_count', sa.Integer(), nullable=False),
    sa.Column('quote_count', sa.Integer(), nullable=False),
    sa.Column('extractor_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_published_at'), ['published_at'], unique=False)

    op.create_table('speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('name_norm', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('statement_count', sa.Integer(), nullable=False),
    sa.Column('quote_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_name_norm'), ['name_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_statement_count'), ['statement_count'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_title'), ['title'], unique=False)

    op.create_table('declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.Column('clause_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_title'), ['title'], unique=False)

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('speaker_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('alias_norm', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('speaker_id', 'alias_norm', name='uq_speaker_alias')
    )
    with op.batch_alter_table('speaker_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_alias_alias_norm'), ['alias_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_speaker_alias_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.Column('fragments', sa.JSON(), nullable=True),
    sa.Column('cue', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('cue_norm', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('cue_start', sa.Integer(), nullable=True),
    sa.Column('cue_end', sa.Integer(), nullable=True),
    sa.Column('speaker_mention', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('speaker_mention_start', sa.Integer(), nullable=True),
    sa.Column('speaker_mention_end', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index('ix_statement_cue_norm_id', ['cue_norm', 'id'], unique=False)
        batch_op.create_index('ix_statement_document_id_id', ['document_id', 'id'], unique=False)
        batch_op.create_index('ix_statement_kind_id', ['kind', 'id'], unique=False)
        batch_op.create_index('ix_statement_published_at_id', ['published_at', 'id'], unique=False)
        batch_op.create_index('ix_statement_speaker_id_id', ['speaker_id', 'id'], unique=False)

    op.create_table('clause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.create_index('ix_clause_declaration_id_id', ['declaration_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clause_document_id'), ['document_id'], unique=False)

    op.create_table('declaration_party',
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('party', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('party_norm', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('declaration_id', 'party_norm')
    )
    with op.batch_alter_table('declaration_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_party_party_norm'), ['party_norm'], unique=False)

    op.create_table('clause_principle',
    sa.Column('clause_id', sa.Integer(), nullable=False),
    sa.Column('principle', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('principle_norm', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['clause_id'], ['clause.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('clause_id', 'principle_norm')
    )
    with op.batch_alter_table('clause_principle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clause_principle_principle_norm'), ['principle_norm'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('clause_principle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clause_principle_principle_norm'))

    op.drop_table('clause_principle')
    with op.batch_alter_table('declaration_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_party_party_norm'))

    op.drop_table('declaration_party')
    with op.batch_alter_table('clause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clause_document_id'))
        batch_op.drop_index('ix_clause_declaration_id_id')

    op.drop_table('clause')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_speaker_id_id')
        batch_op.drop_index('ix_statement_published_at_id')
        batch_op.drop_index('ix_statement_kind_id')
        batch_op.drop_index('ix_statement_document_id_id')
        batch_op.drop_index('ix_statement_cue_norm_id')

    op.drop_table('statement')
    with op.batch_alter_table('speaker_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_alias_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_speaker_alias_alias_norm'))

    op.drop_table('speaker_alias')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_mention_document_id'))

    op.drop_table('mention')
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_title'))
        batch_op.drop_index(batch_op.f('ix_declaration_document_id'))

    op.drop_table('declaration')
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_title'))
        batch_op.drop_index(batch_op.f('ix_speaker_statement_count'))
        batch_op.drop_index(batch_op.f('ix_speaker_name_norm'))
        batch_op.drop_index(batch_op.f('ix_speaker_kind'))
        batch_op.drop_index(batch_op.f('ix_speaker_country'))

    op.drop_table('speaker')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_published_at'))
        batch_op.drop_index(batch_op.f('ix_document_created_at'))

    op.drop_table('document')
