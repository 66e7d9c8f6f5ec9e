/** Query hooks of the providers router: providers with their operation specs. */
import { useQuery } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export type Provider = Schemas["ProviderRead"];
export type Operation = Schemas["OperationRead"];
export type Param = Schemas["ParamRead"];
export type InputSlot = Schemas["InputRead"];

export const providersKey = ["providers"] as const;

export function useProviders() {
  return useQuery({
    queryKey: providersKey,
    // The list envelope {items, next_cursor}: providers always fit one page.
    queryFn: async () => (await unwrap(client.GET("/api/v1/providers"))).items,
    // Specs hardly change, but whether each can run now follows the accounts (a change
    // made here invalidates it; one the worker makes is seen within this time).
    staleTime: 30_000,
  });
}
