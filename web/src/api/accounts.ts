/** Query hooks of the accounts router. Credentials go in, never come back out. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";
import { providersKey } from "src/api/providers";

export type Account = Schemas["AccountRead"];
/** An account as created or changed, with what the provider said when asked. */
export type AccountSaved = Schemas["AccountSaved"];
export const accountsKey = ["accounts"] as const;
const path = (id: number) => ({ params: { path: { account_id: id } } });

export function useAccounts() {
  return useQuery({
    queryKey: [...accountsKey, "list"],
    queryFn: () => unwrap(client.GET("/api/v1/accounts", { params: { query: { limit: 200 } } })),
  });
}

export function useAccount(id: number) {
  return useQuery({
    queryKey: [...accountsKey, "detail", id],
    queryFn: () => unwrap(client.GET("/api/v1/accounts/{account_id}", path(id))),
    enabled: id > 0,
  });
}

function useAccountMutation<T, R>(call: (arg: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: accountsKey }),
        // Which providers the user can run (and what the others miss) follows the accounts.
        queryClient.invalidateQueries({ queryKey: providersKey }),
      ]),
  });
}

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

/** Forget a pool's balance (a budget set by hand): unknown again, it holds no job back. */
export const useClearCredits = () =>
  useAccountMutation(({ id, credit_type }: { id: number; credit_type: string }) =>
    unwrap(
      client.DELETE("/api/v1/accounts/{account_id}/credits/{credit_type}", {
        params: { path: { account_id: id, credit_type } },
      }),
    ),
  );

export const useBulkCredits = () =>
  useAccountMutation((body: Schemas["BulkCreditUpdate"]) =>
    unwrap(client.POST("/api/v1/accounts/credits/bulk-update", { body })),
  );
