from __future__ import annotations

from fastapi import APIRouter, Request, Response

from pixsim7.system import live, service, services
from pixsim7.system.schemas import Health

router = APIRouter(tags=["system"])
router.include_router(services.router)
router.include_router(live.router)


@router.get(
    "/health",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not answer."}},
)
async def health(request: Request, response: Response) -> Health:
    result = await service.health(request.app.state.db, request.app.state.bus)
    if result.database != "ok":
        response.status_code = 503
    return result
