"""Web chat: start a conversation, post a message, read the conversation back."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlmodel import col, select
from werkzeug.exceptions import Forbidden

from app.channels.web import WebChatAdapter
from app.db import session as db_session
from app.models import Conversation, Message
from app.vocabulary import Channel
from app.web import runtime
from app.web.intake import accept

bp = Blueprint("chat", __name__)


def _adapter() -> WebChatAdapter:
    adapter = runtime().adapters[Channel.WEB]
    assert isinstance(adapter, WebChatAdapter)
    return adapter


@bp.get("/")
def page() -> ResponseReturnValue:
    return render_template("chat.html")


@bp.post("/api/chat/start")
def start() -> ResponseReturnValue:
    return jsonify(token=_adapter().start()), 201


@bp.post("/api/chat/messages")
def post_message() -> ResponseReturnValue:
    ingested = accept(Channel.WEB)
    status = 202 if ingested.created else 200
    return jsonify(message_id=ingested.message_id, replay=not ingested.created), status


@bp.get("/api/chat/messages")
def read_messages() -> ResponseReturnValue:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        raise Forbidden("missing conversation token")
    thread_key = _adapter().thread_key(token)
    rt = runtime()
    with db_session(rt.engine) as session:
        conversation = session.exec(
            select(Conversation).where(
                Conversation.channel == Channel.WEB.value, Conversation.thread_key == thread_key
            )
        ).first()
        messages: list[dict[str, Any]] = []
        if conversation is not None:
            rows = session.exec(
                select(Message)
                .where(Message.conversation_id == conversation.id)
                .order_by(col(Message.id))
            ).all()
            messages = [
                {
                    "id": m.id,
                    "direction": m.direction,
                    "text": m.body,
                    "at": m.created_at.isoformat(),
                }
                for m in rows
            ]
    return jsonify(messages=messages)
