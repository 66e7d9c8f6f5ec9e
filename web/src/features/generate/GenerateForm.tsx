import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import type { Asset } from "src/api/assets";
import { ApiError } from "src/api/client";
import { useJobEstimate } from "src/api/jobs";
import type { Operation } from "src/api/providers";
import { useBoard } from "src/common/board";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { useDebounced } from "src/common/useDebounced";
import { chosenOf, place, type Unused } from "src/features/generate/carry";
import { CostEstimate } from "src/features/generate/CostEstimate";
import { InputSlot } from "src/features/generate/InputSlot";
import { ParamField } from "src/features/generate/ParamField";
import { type FormValues, initialValues } from "src/features/generate/paramValues";
import {
  type Inputs,
  mergeErrors,
  placeErrors,
  toRequest,
  touchedErrors,
} from "src/features/generate/request";
import { UnusedInputs } from "src/features/generate/UnusedInputs";
import { type SendJobs, useGenerate } from "src/features/generate/useGenerate";

interface Props {
  providerId: string;
  operation: Operation;
  /** The inputs chosen so far (on another operation, or by "Use as input"). */
  carried: readonly Asset[];
  /** Hears what is chosen now, for the next operation. */
  onCarry: (chosen: Asset[]) => void;
  /** Where the form starts (a saved draft, a job reused) instead of the defaults. */
  initial?: FormState;
  /** Hears the form's state as it changes (to keep it as the draft). */
  onChange?: (state: FormState, operationType: string) => void;
  /** Where the jobs go, when not straight to the queue (the scene editor's nodes). */
  send?: SendJobs;
}

/** What the user has set on the form. */
export interface FormState {
  values: FormValues;
  inputs: Inputs;
  count: number;
  priority: number;
}

/** How long the form waits for typing to stop before pricing it (ms). */
const ESTIMATE_DELAY = 400;

const fieldsOf = (error: unknown) => (error instanceof ApiError ? error.fields : {});

/**
 * One operation's form, priced live: the estimate is asked for as the form changes and its
 * field errors show by the fields the user has touched (all of them once Generate is pressed).
 */
export function GenerateForm({ providerId, operation, carried, onCarry, initial, onChange, send }: Props) {
  const [values, setValues] = useState<FormValues>(() => ({ ...initialValues(operation), ...initial?.values }));
  const [placed] = useState(() => (initial ? { inputs: initial.inputs, unused: [] } : place(operation, carried)));
  const [inputs, setInputs] = useState<Inputs>(placed.inputs);
  const [unused, setUnused] = useState<readonly Unused[]>(placed.unused);
  const [count, setCount] = useState(initial?.count ?? 1);
  const [priority, setPriority] = useState(initial?.priority ?? 0);
  useEffect(
    () => onChange?.({ values, inputs, count, priority }, operation.type),
    [onChange, operation.type, values, inputs, count, priority],
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const generate = useGenerate(send);

  const board = useBoard();
  const request = toRequest({ providerId, operation, values, inputs, priority, workspaceId: board });
  const body = JSON.stringify(request);
  const priced = useDebounced(body, ESTIMATE_DELAY);
  const estimate = useJobEstimate(priced);
  const live = placeErrors(estimate.data?.invalid?.fields ?? {}, operation, inputs);
  // A failed submit speaks for the request it sent; after an edit only the estimate does.
  const submitError = generate.submitted === body ? generate.error : null;
  const errors = mergeErrors(
    placeErrors(fieldsOf(submitError), operation, inputs),
    showAll ? live : touchedErrors(live, touched),
  );
  const unplaced = Object.entries(errors.other).filter(([name]) => name !== "priority");

  const touch = (name: string) => !touched.has(name) && setTouched(new Set([...touched, name]));
  const choose = (nextInputs: Inputs, nextUnused: readonly Unused[]) => {
    setInputs(nextInputs);
    setUnused(nextUnused);
    onCarry(chosenOf(operation, nextInputs, nextUnused));
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    setShowAll(true);
    const hasSeed = operation.params.some((p) => p.name === "seed");
    void generate.submit(request, count, hasSeed);
  }

  return (
    <form className="stack" onSubmit={submit} aria-label={operation.label}>
      <UnusedInputs unused={unused} onRemove={(index) => choose(inputs, unused.filter((_, i) => i !== index))} />
      {operation.inputs.map((slot) => (
        <InputSlot
          key={slot.role}
          slot={slot}
          assets={inputs[slot.role] ?? []}
          errors={errors.slots[slot.role]}
          onChange={(assets) => {
            touch(`inputs.${slot.role}`);
            choose({ ...inputs, [slot.role]: assets }, unused);
          }}
        />
      ))}
      <div className="grid-2">
        {operation.params.map((param) => (
          <ParamField
            key={param.name}
            param={param}
            value={values[param.name] ?? ""}
            error={errors.params[param.name]}
            onChange={(value) => {
              touch(`params.${param.name}`);
              setValues({ ...values, [param.name]: value });
            }}
          />
        ))}
      </div>
      <div className="row generate-footer">
        <Field label="How many" help="Each gets the next seed">
          <input type="number" min={1} max={20} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value)))} />
        </Field>
        <Field label="Priority" error={errors.other.priority} help="Higher runs first">
          <input
            type="number"
            min={-1000}
            max={1000}
            value={priority}
            onChange={(e) => {
              touch("priority");
              setPriority(Number(e.target.value));
            }}
          />
        </Field>
        <CostEstimate
          result={estimate.data}
          error={estimate.error}
          updating={priced !== body || estimate.isFetching}
          count={count}
        />
      </div>
      <ErrorMessage error={submitError} />
      {unplaced.length > 0 && (
        <ul className="error" role="alert" aria-label="Other problems">
          {unplaced.map(([name, message]) => (
            <li key={name}>
              {name}: {message}
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={generate.pending}>
          {generate.pending && <span className="spinner spinner-small" aria-hidden />}
          {generate.pending ? "Queueing…" : count > 1 ? `Generate ${count}` : "Generate"}
        </button>
        {generate.created.length > 0 && (
          <span className="notice" role="status">
            Queued{" "}
            {generate.created.map((job, i) => (
              <span key={job.id}>
                {i > 0 && ", "}
                <Link to={`/jobs/${job.id}`}>#{job.id}</Link>
              </span>
            ))}
          </span>
        )}
      </div>
    </form>
  );
}
