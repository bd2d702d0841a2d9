"""shared chat

Revision ID: 0005
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('therapist_id', sa.BigInteger(), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['users.telegram_id'], name=op.f('fk_conversations_client_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['users.telegram_id'], name=op.f('fk_conversations_therapist_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('client_id', 'therapist_id', name='uq_conversations_pair')
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index('ix_conversations_therapist_id', ['therapist_id'], unique=False)

    op.create_table('chat_focus',
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('conversation_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_chat_focus_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.telegram_id'], name=op.f('fk_chat_focus_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_chat_focus'))
    )
    op.create_table('relayed_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('conversation_id', sa.BigInteger(), nullable=False),
    sa.Column('recipient_chat_id', sa.BigInteger(), nullable=False),
    sa.Column('delivered_message_id', sa.BigInteger(), nullable=False),
    sa.Column('origin_chat_id', sa.BigInteger(), nullable=False),
    sa.Column('origin_message_id', sa.BigInteger(), nullable=False),
    sa.Column('header', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_relayed_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relayed_messages')),
    sa.UniqueConstraint('recipient_chat_id', 'delivered_message_id', name='uq_relayed_messages_delivered')
    )
    with op.batch_alter_table('relayed_messages', schema=None) as batch_op:
        batch_op.create_index('ix_relayed_messages_origin', ['origin_chat_id', 'origin_message_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('relayed_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_relayed_messages_origin')

    op.drop_table('relayed_messages')
    op.drop_table('chat_focus')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index('ix_conversations_therapist_id')

    op.drop_table('conversations')
