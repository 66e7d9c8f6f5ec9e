import { useState } from "react";
import { type Asset, useUpload } from "src/api/assets";
import type { InputSlot as Slot } from "src/api/providers";
import { AssetThumb } from "src/common/AssetThumb";
import { ErrorMessage } from "src/common/ErrorMessage";
import { AssetPicker } from "src/features/generate/AssetPicker";

interface Props {
  slot: Slot;
  assets: Asset[];
  error?: string;
  onChange: (assets: Asset[]) => void;
}

/** The inputs of one role: picked from the gallery or uploaded on the spot. */
export function InputSlot({ slot, assets, error, onChange }: Props) {
  const [picking, setPicking] = useState(false);
  const upload = useUpload();
  const full = assets.length >= slot.max_count;
  const count = slot.min_count === slot.max_count ? `${slot.max_count}` : `${slot.min_count}–${slot.max_count}`;
  const add = (asset: Asset) => {
    onChange([...assets, asset].slice(-slot.max_count));
    setPicking(false);
  };

  return (
    <fieldset className={error ? "slot field-invalid" : "slot"}>
      <legend>
        {slot.label} <span className="muted">({count} {slot.media_type}{slot.required ? "" : ", optional"})</span>
      </legend>
      {slot.help && <small className="field-help">{slot.help}</small>}
      <div className="row">
        {assets.map((asset, index) => (
          <div key={`${asset.id}-${index}`} className="slot-item">
            <AssetThumb asset={asset} />
            <button type="button" className="link" onClick={() => onChange(assets.filter((_, i) => i !== index))}>
              Remove
            </button>
          </div>
        ))}
      </div>
      {!full && (
        <div className="row">
          <label className="button-like">
            {upload.isPending ? "Uploading…" : `Upload ${slot.media_type}`}
            <input
              type="file"
              hidden
              accept={`${slot.media_type}/*`}
              aria-label={`Upload ${slot.label}`}
              disabled={upload.isPending}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) upload.mutate(file, { onSuccess: add });
                e.target.value = "";
              }}
            />
          </label>
          <button type="button" onClick={() => setPicking(!picking)}>
            {picking ? "Close gallery" : "Pick from gallery"}
          </button>
        </div>
      )}
      <ErrorMessage error={upload.error} />
      {error && <small className="field-error" role="alert">{error}</small>}
      {picking && <AssetPicker mediaType={slot.media_type} onPick={add} />}
    </fieldset>
  );
}
