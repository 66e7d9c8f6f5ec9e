/** Query hooks of the accounts router. Credentials go in, never come back out. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export type Account = Schemas["AccountRead"];
export const accountsKey = ["accounts"] as const;

export function useAccounts() {
  return useQuery({
    queryKey: [...accountsKey, "list"],
    queryFn: () => unwrap(client.GET("/api/v1/accounts", { params: { query: { limit: 200 } } })),
  });
}

function useAccountMutation<T, R>(call: (arg: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountsKey }),
  });
}

const path = (id: number) => ({ params: { path: { account_id: id } } });

export const useCreateAccount = () =>
  useAccountMutation((body: Schemas["AccountCreate"]) =>
    unwrap(client.POST("/api/v1/accounts", { body })),
  );

export const useUpdateAccount = () =>
  useAccountMutation(({ id, ...body }: Schemas["AccountUpdate"] & { id: number }) =>
    unwrap(client.PATCH("/api/v1/accounts/{account_id}", { ...path(id), body })),
  );

export const useDeleteAccount = () =>
  useAccountMutation((id: number) => unwrap(client.DELETE("/api/v1/accounts/{account_id}", path(id))));

export const useSyncAccount = () =>
  useAccountMutation((id: number) =>
    unwrap(client.POST("/api/v1/accounts/{account_id}/sync", path(id))),
  );

export const useSetCredits = () =>
  useAccountMutation(({ id, ...body }: Schemas["CreditSet"] & { id: number }) =>
    unwrap(client.POST("/api/v1/accounts/{account_id}/credits", { ...path(id), body })),
  );

export const useBulkCredits = () =>
  useAccountMutation((body: Schemas["BulkCreditUpdate"]) =>
    unwrap(client.POST("/api/v1/accounts/credits/bulk-update", { body })),
  );
