"""Every request has an id (nginx's ``X-Request-ID`` or a new one), sent back and
written with each line logged while it is answered; ``LOG_FORMAT=json`` writes one JSON
object a line."""

import io
import json
import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from unumn.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def test_the_id_from_nginx_is_sent_back(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="f3a9c1d2e4b5a6978877665544332211")
    assert response["X-Request-ID"] == "f3a9c1d2e4b5a6978877665544332211"


@pytest.mark.parametrize("given", ["", "bad id with spaces", "x" * 500, "<script>", "a\x00b"])
def test_a_missing_or_strange_id_is_replaced(client, given):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Request-ID"] != given


def test_lines_logged_while_answering_carry_the_id_as_json():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("unumn.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("answering %s", request.path)
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("it failed")
        return HttpResponse("ok")

    request = RequestFactory().get("/catalogue/", HTTP_X_REQUEST_ID="req-42")
    try:
        RequestIdMiddleware(view)(request)
        logger.info("after the request")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == ["req-42", "req-42", "-"]
    assert lines[0]["message"] == "answering /catalogue/"
    assert lines[0]["level"] == "INFO"
    assert lines[0]["logger"] == "unumn.test"
    assert "ValueError: boom" in lines[1]["exception"]
    assert lines[0]["time"].endswith("Z")
