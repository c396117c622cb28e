"""Change orders (reference tag Workorders); the org is the API key's (the path has none)."""

from fastapi import APIRouter

from mascustomers.auth.caller import CallerDep
from mascustomers.db.dependencies import SessionDep
from mascustomers.orders import service
from mascustomers.orders.schemas import ChangeOrderCreate, ChangeOrderResult
from mascustomers.routing.v2_route import V2Route
from mascustomers.workorders.change_docs import render_effects, render_rules, render_table

router = APIRouter(route_class=V2Route)

DESCRIPTION = (
    "Executes changeOrder proxy call to mysimWS.\n\n"
    "``changetype`` (any case): CANCEL, RESCHEDULE (``parameters`` = new date YYYY-MM-DD, "
    "after today), CHANGE_CONTACT / CHANGE_ADDRESS (``parameters`` = JSON text of the new "
    'installation contact / address), COMPLETE. Applied: 200 with ``errorVO.error_code`` "0". '
    "Not allowed for the order (its status, its type, or its lines changed since): 200 with "
    '``error_code`` "0089" and nothing changed. Unknown change type (0087) or bad parameters '
    "(0088): 400. Unknown work order (or another org's): 404.\n\n"
    + render_rules()
    + "\n\n"
    + render_table()
    + "\n\n"
    + render_effects()
)


@router.post(
    "/v2/workorders/change-order", response_model=ChangeOrderResult, description=DESCRIPTION
)
def change_order(
    body: ChangeOrderCreate, session: SessionDep, caller: CallerDep
) -> ChangeOrderResult:
    """Executes changeOrder proxy call to mysimWS (the description is ``DESCRIPTION``)."""
    return service.change_order(
        session,
        org_id=caller.org_id,
        body=body,
        actor=caller.actor,
        now=caller.now,
        today=caller.today,
    )
