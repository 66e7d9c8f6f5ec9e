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
from pixsim7.automation.models import (
    AgentCommand,
    AutomationExecution,
    AutomationPreset,
    Device,
    DeviceAgent,
    ExecutionLoop,
    ExecutionScreenshot,
)
from pixsim7.extension.models import SessionOpen
from pixsim7.jobs.models import (
    Job,
    JobCost,
    JobDependency,
    ProviderSubmission,
    QueueState,
    Worker,
)
from pixsim7.logs.models import LogEntry
from pixsim7.providers.comfyui.models import WorkflowTemplate
from pixsim7.quotas.models import UserQuotaUsage
from pixsim7.scenes.models import (
    PlaySession,
    Scene,
    SceneAsset,
    SceneCall,
    SceneFill,
    SceneRevision,
)
from pixsim7.users.models import User
from pixsim7.workspaces.models import Workspace

__all__ = [
    "AgentCommand",
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
    "AutomationExecution",
    "AutomationPreset",
    "Device",
    "DeviceAgent",
    "ExecutionLoop",
    "ExecutionScreenshot",
    "Job",
    "JobCost",
    "JobDependency",
    "LogEntry",
    "PlaySession",
    "ProviderAccount",
    "ProviderCredit",
    "ProviderSubmission",
    "QueueState",
    "Scene",
    "SceneAsset",
    "SceneCall",
    "SceneFill",
    "SceneRevision",
    "SessionOpen",
    "User",
    "UserQuotaUsage",
    "UserSession",
    "Worker",
    "WorkflowTemplate",
    "Workspace",
]
