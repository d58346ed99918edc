"""The OpenAPI description says every answer the API can give: drf-spectacular documents the success answers
a view declares; ``document_error_responses`` (a postprocessing hook) adds the error answers every operation can
give, all in the same shape (``{"detail": "…"}``, or field names with their messages for 400), and the lower
bound of the page number. Checked by schemathesis over the whole API (tests/api/test_api_fuzz.py)."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` says what is wrong; a 400 names each field at fault instead, with its messages.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}
# Every operation: the caller, the rate, the body size and the database; the rest where they can happen.
ALWAYS = {
    "400": "Invalid input: the body names each field at fault (or `detail` says what is wrong with the request).",
    "401": "No credentials, or a token that is unknown, expired or revoked.",
    "403": "Not permitted for this user.",
    "413": "The request body is larger than accepted.",
    "415": "Not a JSON body.",
    "429": "Too many requests (or too many failed logins); `Retry-After` says when to try again.",
    "503": "The database is unavailable; `Retry-After` says when to try again. Nothing was stored.",
}
WITH_ID = {"404": "No such object, or not visible to this user."}
WRITES = {
    "409": "The order changed since the version given (who changed what is named), or the action does not fit "
    "the order's status.",
    "428": "The write states no version of the order (`version` in the body or `If-Match`).",
}
SUBMISSION = {
    "409": "The `sender_id` was already used for a different call or message (the answer names the order); a new "
    "call or message needs a new `sender_id`. The same one repeated answers 200 with the order.",
}

LIVE_CALL = {"409": "The call has ended: it takes no more turns (or the call id was opened for another caller)."}


def document_error_responses(result: dict[str, Any], generator: object, request: object, public: bool) -> dict:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(ALWAYS)
            if "{" in path or method == "get":
                errors.update(WITH_ID)  # a list's page past the end is 404 too
            if method in ("post", "put", "patch", "delete") and path.startswith("/api/v1/orders/"):
                errors.update(WRITES)
            if method == "post" and path.startswith("/api/v1/submissions/"):
                errors.update(SUBMISSION)
            if method == "post" and path.startswith("/api/v1/calls/"):
                errors.update(LIVE_CALL)
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "page":
                    parameter.setdefault("schema", {"type": "integer"})["minimum"] = 1
    return result
