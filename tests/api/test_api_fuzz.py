"""Schemathesis over the whole API as each role: generated requests (valid and invalid) never get a 5xx, and
every answer matches the documented schema (status codes, content types, headers, bodies).

Not checked: whether the API refuses every request the schema would not allow (it ignores unknown query
parameters, as Django does) and accepts every request the schema allows (a write without the order's version
is 428, an id that matches nothing 404: the schema cannot say either).
"""

from __future__ import annotations

import schemathesis
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from tests.conftest import Personas

ROLES = ("operator", "officer_a", "manager", "integration")

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_gets_a_server_error_or_breaks_the_schema(
    case: schemathesis.Case, personas: Personas, city: object
) -> None:
    for role in ROLES:
        _, token = AuthToken.objects.create(user=getattr(personas, role))
        case.call_and_validate(
            headers={"Authorization": f"Token {token}"},
            excluded_checks=[negative_data_rejection, positive_data_acceptance],
        )
