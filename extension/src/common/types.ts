/** The parts of the server's answers the extension reads (see the server's /openapi.json). */

export interface User {
  id: number;
  email: string;
  display_name?: string | null;
}

export interface LoginResponse {
  access_token: string;
  expires_at: string;
  user: User;
}

export interface Account {
  id: number;
  provider_id: string;
  nickname: string | null;
  email: string | null;
  provider_user_id: string | null;
  status: string;
  status_message: string | null;
  credits: Record<string, number>;
  in_flight_jobs: number;
  max_concurrent_jobs: number;
  can_manage: boolean;
  owner_id: number | null;
  has_cookies: boolean;
  has_jwt_token: boolean;
}

export interface ProviderCheck {
  ok: boolean;
  error_class: string | null;
  message: string | null;
  credits: Record<string, number> | null;
}

export interface SyncResult extends ProviderCheck {
  account: Account;
}

export interface ImportResult extends SyncResult {
  created: boolean;
}

export interface Asset {
  id: number;
  media_type: string;
}

export interface Job {
  id: number;
  status: string;
  asset_id: number | null;
  error_message: string | null;
  provider_id: string;
  operation_type: string;
}

export interface JobStats {
  by_status: Record<string, number>;
}

export interface Param {
  name: string;
  type: string;
  required: boolean;
  default: unknown;
}

export interface Operation {
  type: string;
  label: string;
  params: Param[];
  inputs: { role: string; media_type: string; required: boolean }[];
}

export interface Provider {
  id: string;
  name: string;
  is_local: boolean;
  deprecation: string | null;
  operations: Operation[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Estimate {
  estimated_credits: number;
  credit_type: string | null;
}
