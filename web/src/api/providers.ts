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
    queryFn: () => unwrap(client.GET("/api/v1/providers")),
    staleTime: 5 * 60_000,
  });
}
