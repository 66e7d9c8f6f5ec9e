/** Response bodies shaped like the API's, for stubbed fetches. */
import type { Account } from "src/api/accounts";
import type { Asset } from "src/api/assets";
import type { Operation, Param, Provider } from "src/api/providers";
import type { Workspace } from "src/api/workspaces";

export function asset(id: number, extra: Partial<Asset> = {}): Asset {
  return {
    id,
    media_type: "image",
    mime_type: "image/png",
    file_url: `/api/v1/assets/${id}/file`,
    thumbnail_url: `/api/v1/assets/${id}/thumbnail`,
    preview_url: null,
    prompt: null,
    description: null,
    original_filename: `a${id}.png`,
    original_source_url: null,
    width: 64,
    height: 64,
    duration_sec: null,
    fps: null,
    codec: null,
    has_audio: false,
    file_size_bytes: 100,
    sha256: "0".repeat(64),
    provider_id: null,
    provider_asset_id: null,
    source_job_id: null,
    workspace_id: null,
    favorite: false,
    trashed_at: null,
    upload_method: "upload",
    tags: [],
    style_tags: [],
    is_local: true,
    searchable: true,
    age_restricted: false,
    content_domain: "general",
    content_rating: "general",
    content_category: null,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-01T10:00:00Z",
    last_accessed_at: null,
    ...extra,
  };
}

export const param = (name: string, type: string, extra: Partial<Param> = {}): Param => ({
  name,
  type,
  label: name,
  help: "",
  required: false,
  ...extra,
});

export function provider(id: string, operations: Operation[], extra: Partial<Provider> = {}): Provider {
  return {
    id,
    name: id,
    description: "",
    is_local: false,
    deprecation: null,
    credential_kinds: [],
    credit_pools: [],
    default_max_concurrency: 1,
    reports_balance: true,
    operations,
    ...extra,
  };
}

export function account(id: number, extra: Partial<Account> = {}): Account {
  return {
    id,
    provider_id: "pixverse",
    owner_id: 1,
    is_shared: false,
    is_builtin: false,
    can_manage: true,
    nickname: null,
    email: null,
    provider_user_id: null,
    base_url: null,
    base_url_trusted: false,
    has_password: false,
    has_api_key: true,
    has_jwt_token: false,
    has_cookies: false,
    api_key_hint: null,
    jwt_token_hint: null,
    status: "active",
    status_message: null,
    cooldown_until: null,
    priority: 0,
    max_concurrent_jobs: 2,
    max_concurrent_jobs_ceiling: 2,
    max_concurrent_jobs_setting: null,
    daily_cap: null,
    credit_pool: "openapi",
    credits: {},
    success_count: 0,
    failure_count: 0,
    success_rate: null,
    mean_generation_seconds: null,
    jobs_today: 0,
    in_flight_jobs: 0,
    last_used_at: null,
    last_synced_at: null,
    created_at: "2026-03-01T10:00:00Z",
    updated_at: "2026-03-01T10:00:00Z",
    ...extra,
  };
}

export function board(id: number, name: string, extra: Partial<Workspace> = {}): Workspace {
  return {
    id,
    name,
    parent_id: null,
    description: null,
    color: "#3ecf8e",
    icon: null,
    archived: false,
    created_at: "",
    updated_at: "",
    ...extra,
  };
}
