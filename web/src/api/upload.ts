/**
 * One file sent to POST /api/v1/assets/upload with its progress: XMLHttpRequest, since
 * fetch reports none for a request body. Same auth and errors as the client (a 401 sends the
 * user to sign in); an abort rejects with an AbortError.
 */
import { ApiError, token } from "src/api/client";
import type { Asset } from "src/api/assets";
import { currentBoard } from "src/common/board";

export interface UploadOptions {
  /** Hears the share of the file sent so far, 0 to 1. */
  onProgress?: (share: number) => void;
  signal?: AbortSignal;
}

function refusal(status: number, body: string, statusText: string): ApiError {
  try {
    const error = (JSON.parse(body) as { error?: { code?: string; message?: string; fields?: Record<string, string> } }).error;
    if (error) return new ApiError(status, error.code ?? "http_error", error.message ?? statusText, error.fields ?? {});
  } catch {
    // not the API's envelope (a proxy's page)
  }
  return new ApiError(status, "http_error", statusText || `upload failed (${status})`);
}

export function uploadFile(file: File, { onProgress, signal }: UploadOptions = {}): Promise<Asset> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("file", file, file.name);
    const board = currentBoard(); // an upload lands in the board worked in
    if (board) form.append("workspace_id", String(board));
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/assets/upload");
    const bearer = token.get();
    if (bearer) xhr.setRequestHeader("Authorization", `Bearer ${bearer}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(1);
        resolve(JSON.parse(xhr.responseText) as Asset);
      } else {
        reject(refusal(xhr.status, xhr.responseText, xhr.statusText));
      }
    };
    xhr.onerror = () => reject(new Error("the upload could not reach the server"));
    xhr.onabort = () => reject(new DOMException("upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    if (signal?.aborted) {
      reject(new DOMException("upload cancelled", "AbortError"));
      return;
    }
    xhr.send(form);
  });
}
