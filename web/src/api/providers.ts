/** Query hooks of the providers router: providers with their operation specs. */
import { useQuery } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export type Provider = Schemas["ProviderRead"];
export type Operation = Schemas["OperationRead"];
export type Param = Schemas["ParamRead"];
export type InputSlot = Schemas["InputRead"];

export function useProviders() {
  return useQuery({
    queryKey: ["providers"],
    // The list envelope {items, next_cursor}: providers always fit one page.
    queryFn: async () => (await unwrap(client.GET("/api/v1/providers"))).items,
    staleTime: 5 * 60_000,
  });
}
