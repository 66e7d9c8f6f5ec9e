"""Every table, imported so `Base.metadata` knows them all (Alembic, schema tests)."""

from pixsim7.accounts.models import ProviderAccount, ProviderCredit
from pixsim7.assets.graph_models import (
    Asset3DMetadata,
    AssetAdultMetadata,
    AssetAudioMetadata,
    AssetBranch,
    AssetBranchVariant,
    AssetClip,
    AssetLineage,
    AssetTemporalSegment,
    AssetVariant,
)
from pixsim7.assets.models import Asset, AssetProviderUpload, AssetTag
from pixsim7.auth.models import UserSession
from pixsim7.jobs.models import (
    Job,
    JobCost,
    JobDependency,
    ProviderSubmission,
    QueueState,
    Worker,
)
from pixsim7.providers.comfyui.models import WorkflowTemplate
from pixsim7.quotas.models import UserQuotaUsage
from pixsim7.users.models import User
from pixsim7.workspaces.models import Workspace

__all__ = [
    "Asset",
    "Asset3DMetadata",
    "AssetAdultMetadata",
    "AssetAudioMetadata",
    "AssetBranch",
    "AssetBranchVariant",
    "AssetClip",
    "AssetLineage",
    "AssetProviderUpload",
    "AssetTag",
    "AssetTemporalSegment",
    "AssetVariant",
    "Job",
    "JobCost",
    "JobDependency",
    "ProviderAccount",
    "ProviderCredit",
    "ProviderSubmission",
    "QueueState",
    "User",
    "UserQuotaUsage",
    "UserSession",
    "Worker",
    "WorkflowTemplate",
    "Workspace",
]
