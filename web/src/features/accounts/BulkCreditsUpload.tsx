import { useState } from "react";
import { useBulkCredits } from "src/api/accounts";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { parseCreditsCsv } from "src/features/accounts/csvCredits";

export function BulkCreditsUpload() {
  const bulk = useBulkCredits();
  const [parseError, setParseError] = useState<unknown>(null);

  async function load(file: File) {
    setParseError(null);
    try {
      bulk.mutate({ updates: parseCreditsCsv(await file.text()) });
    } catch (e) {
      setParseError(e);
    }
  }

  return (
    <div className="row">
      <label className="button-like">
        Credits from CSV
        <input
          type="file"
          hidden
          accept=".csv,text/csv"
          aria-label="Credits CSV"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void load(file);
            e.target.value = "";
          }}
        />
      </label>
      <small className="muted">account_id,credit_type,amount</small>
      {bulk.isPending && <Loading label="Updating credits…" />}
      {bulk.isSuccess && <span className="notice">Updated {bulk.data.length} accounts</span>}
      <ErrorMessage error={parseError ?? bulk.error} />
    </div>
  );
}
