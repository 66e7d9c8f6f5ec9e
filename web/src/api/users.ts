/** Query hooks of the users router: me, profile and password, the admin's user list. */
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export const meKey = ["users", "me"] as const;
export const usersKey = ["users", "list"] as const;

export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: () => unwrap(client.GET("/api/v1/users/me")),
    staleTime: 60_000,
  });
}

export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["MeUpdate"]) => unwrap(client.PATCH("/api/v1/users/me", { body })),
    onSuccess: (me) => queryClient.setQueryData(meKey, me),
  });
}

export function useUsers() {
  return useInfiniteQuery({
    queryKey: usersKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.GET("/api/v1/users", { params: { query: { cursor: pageParam, limit: 100 } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useAdminUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Schemas["UserAdminUpdate"] & { id: number }) =>
      unwrap(client.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

/** An admin adds a user (registration open or not). */
export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["UserAdminCreate"]) => unwrap(client.POST("/api/v1/users", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

/** An admin sets a user's password; that user's sessions end. */
export function useResetPassword() {
  return useMutation({
    mutationFn: ({ id, ...body }: Schemas["PasswordReset"] & { id: number }) =>
      unwrap(client.POST("/api/v1/users/{user_id}/password", { params: { path: { user_id: id } }, body })),
  });
}
