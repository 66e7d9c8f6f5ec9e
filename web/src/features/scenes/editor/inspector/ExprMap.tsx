import { FlagField, NameField, SelectField } from "src/features/scenes/editor/inspector/inputs";
import { ValueField } from "src/features/scenes/editor/inspector/ValueField";
import { FLAG_PATTERN } from "src/features/scenes/editor/doc";
import type { Expr } from "src/features/scenes/engine/types";

interface Props {
  title: string;
  /** What the names are: "parameter" (a called scene's flag), "value" (a returned name). */
  nameLabel: string;
  exprs: Record<string, Expr>;
  onChange(exprs: Record<string, Expr>, key?: string): void;
  /** Names to offer first (the called scene's declared flags). */
  names?: string[];
}

/** Name → expression pairs: a flag of the scene playing, or a fixed value. */
export function ExprMap({ title, nameLabel, exprs, onChange, names = [] }: Props) {
  const entries = Object.entries(exprs);
  const rename = (from: string, to: string) => {
    if (!FLAG_PATTERN.test(to) || (to !== from && to in exprs)) return false;
    onChange(Object.fromEntries(entries.map(([k, v]) => [k === from ? to : k, v])));
    return true;
  };
  const add = () => {
    const name = names.find((n) => !(n in exprs)) ?? fresh(exprs);
    onChange({ ...exprs, [name]: { value: null } });
  };
  return (
    <fieldset className="inspector-list">
      <legend>{title}</legend>
      {entries.map(([name, expr], i) => (
        <div className="inspector-item" key={i}>
          <NameField label={nameLabel} value={name} list={names.length ? `${title}-names` : undefined} accept={(v) => rename(name, v)} />
          <SelectField
            label="From"
            value={"flag" in expr ? "flag" : "value"}
            options={[
              ["flag", "a flag"],
              ["value", "a value"],
            ]}
            onChange={(kind) => onChange({ ...exprs, [name]: kind === "flag" ? { flag: "flag" } : { value: null } })}
          />
          {"flag" in expr ? (
            <FlagField label="Flag" value={expr.flag} onChange={(flag) => onChange({ ...exprs, [name]: { flag } })} />
          ) : (
            <ValueField label="Value" value={expr.value} onChange={(value) => onChange({ ...exprs, [name]: { value } }, `${title}:${name}`)} />
          )}
          <button type="button" className="link" onClick={() => onChange(Object.fromEntries(entries.filter(([k]) => k !== name)))}>
            Remove
          </button>
        </div>
      ))}
      {names.length > 0 && (
        <datalist id={`${title}-names`}>
          {names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      )}
      <button type="button" onClick={add}>
        Add
      </button>
    </fieldset>
  );
}

function fresh(exprs: Record<string, Expr>): string {
  for (let i = 1; ; i++) if (!(`name${i}` in exprs)) return `name${i}`;
}
