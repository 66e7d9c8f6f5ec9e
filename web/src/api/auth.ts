/** Query hooks of the auth router: login, register, logout, sessions. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, token, unwrap, type Schemas } from "src/api/client";

export const sessionsKey = ["auth", "sessions"] as const;
export const registrationKey = ["auth", "registration"] as const;

/** Keep the token of a new session; nothing cached belongs to it yet. */
function useSignedIn() {
  const queryClient = useQueryClient();
  return (result: Schemas["LoginResponse"]) => {
    token.set(result.access_token);
    queryClient.clear();
  };
}

export function useLogin() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: Schemas["LoginRequest"]) =>
      unwrap(client.POST("/api/v1/auth/login", { body })),
    onSuccess: signedIn,
  });
}

/** Registering signs the new user in. */
export function useRegister() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (body: Schemas["UserCreate"]) =>
      unwrap(client.POST("/api/v1/auth/register", { body })),
    onSuccess: signedIn,
  });
}

/** Whether anyone may register here (closed on a fresh install). */
export function useRegistration() {
  return useQuery({
    queryKey: registrationKey,
    queryFn: () => unwrap(client.GET("/api/v1/auth/registration")),
    staleTime: 5 * 60_000,
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.POST("/api/v1/auth/logout")),
    onSettled: () => {
      token.clear();
      queryClient.clear();
    },
  });
}

export function useSessions() {
  return useInfiniteQuery({
    queryKey: sessionsKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.GET("/api/v1/auth/sessions", { params: { query: { cursor: pageParam, limit: 100 } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      unwrap(
        client.DELETE("/api/v1/auth/sessions/{session_id}", {
          params: { path: { session_id: sessionId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}
