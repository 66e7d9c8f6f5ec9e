"""Routes for what hangs off an asset: lineage, branches and their variants, clips,
variants, metadata side tables. Mounted under /assets/{asset_id}/ by `assets.api`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from pixsim7.assets import branches, extras, lineage
from pixsim7.assets.graph_schemas import (
    BranchCreate,
    BranchRead,
    BranchVariantCreate,
    BranchVariantRead,
    ClipCreate,
    ClipRead,
    LineageEdgeCreate,
    LineageEdgeRead,
    LineageGraph,
    SegmentCreate,
    SegmentRead,
    VariantCreate,
    VariantRead,
)
from pixsim7.auth.deps import CurrentUser
from pixsim7.deps import SessionDep
from pixsim7.fields import Id, JsonObject, Text
from pixsim7.openapi import error_responses

router = APIRouter(prefix="/{asset_id}")


@router.get("/lineage", response_model=LineageGraph)
async def get_lineage(
    asset_id: Id, user: CurrentUser, session: SessionDep, depth: int = Query(2, ge=1, le=10)
) -> Any:
    return await lineage.graph(session, user, asset_id, depth=depth)


@router.post(
    "/lineage", response_model=LineageEdgeRead, status_code=201, responses=error_responses(409)
)
async def add_lineage(
    asset_id: Id, data: LineageEdgeCreate, user: CurrentUser, session: SessionDep
) -> Any:
    return await lineage.add_manual(
        session,
        user,
        child_id=asset_id,
        **data.model_dump(exclude={"parent_asset_id"}),
        parent_id=data.parent_asset_id,
    )


@router.delete("/lineage/{edge_id}", status_code=204)
async def delete_lineage(asset_id: Id, edge_id: Id, user: CurrentUser, session: SessionDep) -> None:
    await lineage.delete_edge(session, user, asset_id, edge_id)


@router.get("/branches", response_model=list[BranchRead])
async def list_branches(asset_id: Id, user: CurrentUser, session: SessionDep) -> Any:
    rows = await branches.list_branches(session, user, asset_id)
    return [
        BranchRead.model_validate(b).model_copy(
            update={"variants": [BranchVariantRead.model_validate(v) for v in vs]}
        )
        for b, vs in rows
    ]


@router.post("/branches", response_model=BranchRead, status_code=201)
async def create_branch(
    asset_id: Id, data: BranchCreate, user: CurrentUser, session: SessionDep
) -> Any:
    return BranchRead.model_validate(await branches.create_branch(session, user, asset_id, data))


@router.delete("/branches/{branch_id}", status_code=204)
async def delete_branch(
    asset_id: Id, branch_id: Id, user: CurrentUser, session: SessionDep
) -> None:
    await branches.delete_branch(session, user, asset_id, branch_id)


@router.post("/branches/{branch_id}/variants", response_model=BranchVariantRead, status_code=201)
async def add_branch_variant(
    asset_id: Id, branch_id: Id, data: BranchVariantCreate, user: CurrentUser, session: SessionDep
) -> Any:
    return await branches.add_variant(session, user, asset_id, branch_id, data)


@router.delete("/branches/{branch_id}/variants/{variant_id}", status_code=204)
async def delete_branch_variant(
    asset_id: Id, branch_id: Id, variant_id: Id, user: CurrentUser, session: SessionDep
) -> None:
    await branches.delete_variant(session, user, asset_id, branch_id, variant_id)


@router.get("/clips", response_model=list[ClipRead])
async def list_clips(asset_id: Id, user: CurrentUser, session: SessionDep) -> Any:
    return await branches.list_clips(session, user, asset_id)


@router.post("/clips", response_model=ClipRead, status_code=201)
async def create_clip(
    asset_id: Id, data: ClipCreate, user: CurrentUser, session: SessionDep
) -> Any:
    return await branches.create_clip(session, user, asset_id, data)


@router.delete("/clips/{clip_id}", status_code=204)
async def delete_clip(asset_id: Id, clip_id: Id, user: CurrentUser, session: SessionDep) -> None:
    await branches.delete_clip(session, user, asset_id, clip_id)


@router.get("/variants", response_model=list[VariantRead])
async def list_variants(asset_id: Id, user: CurrentUser, session: SessionDep) -> Any:
    return await extras.list_variants(session, user, asset_id)


@router.post("/variants", response_model=VariantRead, status_code=201)
async def add_variant(
    asset_id: Id, data: VariantCreate, user: CurrentUser, session: SessionDep
) -> Any:
    return await extras.add_variant(session, user, asset_id, data)


@router.delete("/variants/{variant_id}", status_code=204)
async def delete_variant(
    asset_id: Id, variant_id: Id, user: CurrentUser, session: SessionDep
) -> None:
    await extras.delete_variant(session, user, asset_id, variant_id)


@router.get("/segments", response_model=list[SegmentRead])
async def list_segments(asset_id: Id, user: CurrentUser, session: SessionDep) -> Any:
    return await extras.list_segments(session, user, asset_id)


@router.post("/segments", response_model=SegmentRead, status_code=201)
async def add_segment(
    asset_id: Id, data: SegmentCreate, user: CurrentUser, session: SessionDep
) -> Any:
    return await extras.add_segment(session, user, asset_id, data)


@router.delete("/segments/{segment_id}", status_code=204)
async def delete_segment(
    asset_id: Id, segment_id: Id, user: CurrentUser, session: SessionDep
) -> None:
    await extras.delete_segment(session, user, asset_id, segment_id)


@router.get("/metadata/{kind}")
async def get_metadata(asset_id: Id, kind: Text, user: CurrentUser, session: SessionDep) -> Any:
    """The asset's metadata of one kind: `audio`, `3d` or `adult`."""
    return await extras.get_metadata(session, user, asset_id, kind)


@router.put("/metadata/{kind}")
async def put_metadata(
    asset_id: Id,
    kind: Text,
    user: CurrentUser,
    session: SessionDep,
    data: Annotated[JsonObject, Body()],
) -> Any:
    return await extras.put_metadata(session, user, asset_id, kind, data)


@router.delete("/metadata/{kind}", status_code=204)
async def delete_metadata(asset_id: Id, kind: Text, user: CurrentUser, session: SessionDep) -> None:
    await extras.delete_metadata(session, user, asset_id, kind)
