import { type InputHTMLAttributes, useEffect, useRef, useState } from "react";

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> {
  /** The search in force (e.g. the URL's). */
  value: string;
  /** Hears the text once typing pauses for `delay` ms, or at once on Enter. */
  onSearch: (text: string) => void;
  delay?: number;
}

/** Search as you type, debounced: one search per pause, not per key. A change of `value`
 * from outside (Clear filters, back) replaces the text; the box's own searches do not. */
export function SearchBox({ value, onSearch, delay = 300, ...input }: Props) {
  const [text, setText] = useState(value);
  const [agreed, setAgreed] = useState(value); // the outside value the text last matched
  if (value !== agreed) {
    setAgreed(value);
    setText(value);
  }
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const send = (raw: string) => {
    clearTimeout(timer.current);
    const next = raw.trim();
    setAgreed(next);
    if (next !== value) onSearch(next);
  };
  return (
    <input
      type="search"
      {...input}
      value={text}
      onChange={(e) => {
        const raw = e.target.value;
        setText(raw);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => send(raw), delay);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") send(e.currentTarget.value);
      }}
    />
  );
}
