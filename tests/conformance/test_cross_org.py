"""Objects of another org answer 404, for every operation that names one (generated from the
reference's operations and their conformance requests, not hand-listed)."""

import pytest
from sqlalchemy.orm import Session

from mascustomers.routing.operations import operations
from tests.conformance.requests import BUILDERS
from tests.conformance.world import build_world
from tests.factories import ApiCaller, make_key, make_org

# Operations that name no object of the org: nothing to leak.
NAMES_NO_OBJECT = {
    ("POST", "/v2/orgs/{orgId}/signups"),
    ("GET", "/v2/orgs/{orgId}/signups/master-data"),
    ("GET", "/v2/orgs/{orgId}/signups/available-msisdns/{host_cfg}"),
}


@pytest.mark.usefixtures("catalogue")
def test_other_orgs_objects_are_not_found(api: ApiCaller, session: Session) -> None:
    world = build_world(api)
    world.extras.update(computed_penalty_id=1, main_uuid="00000000-0000-4000-8000-000000000000")
    penalties = api.get(f"/penalties/{world.account_id}", params={"reason": "unsubscribe"}).json()
    world.extras["computed_penalty_id"] = penalties[0]["computed_penalty_id"]
    world.extras["main_uuid"] = next(
        line["subscription_uuid"] for line in penalties[0]["penalties"] if line["subscription_uuid"]
    )
    make_org(session, slug="othertel")
    other = ApiCaller(api.client, make_key(session, org_slug="othertel"), "othertel")
    checked = []
    for operation in operations():
        if operation.key in NAMES_NO_OBJECT:
            continue
        request = BUILDERS[operation.key](world, operation)
        response = other.request(
            request.method, request.url, params=request.params, json=request.json
        )
        assert response.status_code == 404, (
            operation.key,
            response.status_code,
            response.text[:200],
        )
        assert response.json()["code"] == "0005"
        checked.append(operation.key)
    assert len(checked) == len(operations()) - len(NAMES_NO_OBJECT)
