import { useState } from "react";
import { type Asset, useUpload } from "src/api/assets";
import type { InputSlot as Slot } from "src/api/providers";
import { AssetThumb } from "src/common/AssetThumb";
import { ErrorMessage } from "src/common/ErrorMessage";
import { AssetPicker } from "src/features/generate/AssetPicker";
import type { SlotErrors } from "src/features/generate/request";

interface Props {
  slot: Slot;
  assets: Asset[];
  errors?: SlotErrors;
  onChange: (assets: Asset[]) => void;
}

/** The inputs of one role: picked from the gallery or uploaded on the spot. The slot holds
 * only what it takes: a file of another media type is refused, in words. */
export function InputSlot({ slot, assets, errors, onChange }: Props) {
  const error = errors?.slot;
  const invalid = Boolean(error) || Object.keys(errors?.items ?? {}).length > 0;
  const [picking, setPicking] = useState(false);
  const [refused, setRefused] = useState<string>();
  const upload = useUpload();
  const full = assets.length >= slot.max_count;
  const count = slot.min_count === slot.max_count ? `${slot.max_count}` : `${slot.min_count}–${slot.max_count}`;
  const add = (asset: Asset) => {
    setPicking(false);
    if (asset.media_type !== slot.media_type) {
      const name = asset.original_filename ?? `#${asset.id}`;
      setRefused(`Not added: ${name} is ${asset.media_type}, and ${slot.label} takes ${slot.media_type} only.`);
      return;
    }
    setRefused(undefined);
    onChange([...assets, asset].slice(-slot.max_count));
  };

  return (
    <fieldset className={invalid ? "slot field-invalid" : "slot"}>
      <legend>
        {slot.label} <span className="muted">({count} {slot.media_type}{slot.required ? "" : ", optional"})</span>
      </legend>
      {slot.help && <small className="field-help">{slot.help}</small>}
      <div className="row">
        {assets.map((asset, index) => {
          const itemError = errors?.items[index];
          return (
            <div key={`${asset.id}-${index}`} className={itemError ? "slot-item slot-item-invalid" : "slot-item"}>
              <AssetThumb asset={asset} />
              <button
                type="button"
                className="link"
                aria-label={`Remove ${slot.label} ${index + 1}`}
                onClick={() => onChange(assets.filter((_, i) => i !== index))}
              >
                Remove
              </button>
              {itemError && (
                <small className="field-error" role="alert">
                  {itemError}
                </small>
              )}
            </div>
          );
        })}
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
      {refused && (
        <small className="field-error" role="alert">
          {refused}
        </small>
      )}
      {error && <small className="field-error" role="alert">{error}</small>}
      {picking && <AssetPicker mediaType={slot.media_type} onPick={add} />}
    </fieldset>
  );
}
