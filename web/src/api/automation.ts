/** Query hooks of the automation router: devices, agents, presets, executions, loops. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export type Device = Schemas["DeviceRead"];
export type Agent = Schemas["AgentRead"];
export type AgentPairing = Schemas["AgentPairing"];
export type Preset = Schemas["PresetRead"];
export type Execution = Schemas["ExecutionRead"];
export type Loop = Schemas["LoopRead"];
export type ActionSchema = Schemas["ActionSchema"];
export const automationKey = ["automation"] as const;

const P = "/api/v1/automation";

export function useActionSchema() {
  return useQuery({
    queryKey: [...automationKey, "schema"],
    queryFn: () => unwrap(client.GET(`${P}/action-schema`)),
    staleTime: Infinity,
  });
}

export function useDevices() {
  return useQuery({
    queryKey: [...automationKey, "devices"],
    queryFn: () => unwrap(client.GET(`${P}/devices`)),
    refetchInterval: 15_000,
  });
}

export function useAgents() {
  return useQuery({
    queryKey: [...automationKey, "agents"],
    queryFn: () => unwrap(client.GET(`${P}/agents`)),
  });
}

export function usePresets() {
  return useQuery({
    queryKey: [...automationKey, "presets"],
    queryFn: () => unwrap(client.GET(`${P}/presets`, { params: { query: { limit: 200 } } })),
  });
}

/** The newest executions, or those of one loop (its history). */
export function useExecutions(loopId: number | null = null) {
  return useQuery({
    queryKey: [...automationKey, "executions", { loop_id: loopId }],
    queryFn: () =>
      unwrap(client.GET(`${P}/executions`, { params: { query: { limit: 50, loop_id: loopId } } })),
  });
}

/** Every execution of the user, newest first, 50 a page (cursor pages). */
export function useExecutionPages() {
  return useInfiniteQuery({
    queryKey: [...automationKey, "executions", "pages"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.GET(`${P}/executions`, { params: { query: { cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useExecution(id: number | null) {
  return useQuery({
    queryKey: [...automationKey, "executions", id],
    queryFn: () =>
      unwrap(client.GET(`${P}/executions/{execution_id}`, { params: { path: { execution_id: id! } } })),
    enabled: id !== null,
  });
}

export function useLoops() {
  return useQuery({
    queryKey: [...automationKey, "loops"],
    queryFn: () => unwrap(client.GET(`${P}/loops`)),
  });
}

function useAutomationMutation<T, R>(call: (arg: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: automationKey }),
  });
}

export const useScanDevices = () =>
  useAutomationMutation(() => unwrap(client.POST(`${P}/devices/scan`)));

export const useUpdateDevice = () =>
  useAutomationMutation(({ id, ...body }: Schemas["DeviceUpdate"] & { id: number }) =>
    unwrap(client.PATCH(`${P}/devices/{device_id}`, { params: { path: { device_id: id } }, body })),
  );

export const useCreateAgent = () =>
  useAutomationMutation((body: Schemas["AgentCreate"]) => unwrap(client.POST(`${P}/agents`, { body })));

export const useRevokeAgent = () =>
  useAutomationMutation((id: number) =>
    unwrap(client.POST(`${P}/agents/{agent_id}/revoke`, { params: { path: { agent_id: id } } })),
  );

export const useCreatePreset = () =>
  useAutomationMutation((body: Schemas["PresetCreate"]) => unwrap(client.POST(`${P}/presets`, { body })));

export const useUpdatePreset = () =>
  useAutomationMutation(({ id, ...body }: Schemas["PresetUpdate"] & { id: number }) =>
    unwrap(client.PATCH(`${P}/presets/{preset_id}`, { params: { path: { preset_id: id } }, body })),
  );

export const useDeletePreset = () =>
  useAutomationMutation((id: number) =>
    unwrap(client.DELETE(`${P}/presets/{preset_id}`, { params: { path: { preset_id: id } } })),
  );

export const useRunPreset = () =>
  useAutomationMutation((body: Schemas["ExecutionCreate"]) => unwrap(client.POST(`${P}/executions`, { body })));

export const useCancelExecution = () =>
  useAutomationMutation((id: number) =>
    unwrap(client.POST(`${P}/executions/{execution_id}/cancel`, { params: { path: { execution_id: id } } })),
  );

export const useDeleteExecution = () =>
  useAutomationMutation((id: number) =>
    unwrap(client.DELETE(`${P}/executions/{execution_id}`, { params: { path: { execution_id: id } } })),
  );

export const useCreateLoop = () =>
  useAutomationMutation((body: Schemas["LoopCreate"]) => unwrap(client.POST(`${P}/loops`, { body })));

export const useDeleteLoop = () =>
  useAutomationMutation((id: number) =>
    unwrap(client.DELETE(`${P}/loops/{loop_id}`, { params: { path: { loop_id: id } } })),
  );

const loopPath = (id: number) => ({ params: { path: { loop_id: id } } });

export const usePauseLoop = () =>
  useAutomationMutation(({ id, active }: { id: number; active: boolean }) =>
    active
      ? unwrap(client.POST(`${P}/loops/{loop_id}/resume`, loopPath(id)))
      : unwrap(client.POST(`${P}/loops/{loop_id}/pause`, loopPath(id))),
  );

/** A step now, whatever the schedule: the execution it queued. */
export const useRunLoopNow = () =>
  useAutomationMutation((id: number) => unwrap(client.POST(`${P}/loops/{loop_id}/run-now`, loopPath(id))));
