import { AssetThumb } from "src/common/AssetThumb";
import type { Unused } from "src/features/generate/carry";

interface Props {
  unused: readonly Unused[];
  onRemove: (index: number) => void;
}

/** Chosen inputs this operation cannot take: shown with why, and not sent, until another
 * operation takes them or the user removes them. */
export function UnusedInputs({ unused, onRemove }: Props) {
  if (unused.length === 0) return null;
  return (
    <fieldset className="slot slot-unused">
      <legend>Not used</legend>
      <div className="row">
        {unused.map(({ asset, reason }, index) => (
          <div key={`${asset.id}-${index}`} className="slot-item">
            <AssetThumb asset={asset} />
            <small className="field-warning" role="status">
              {asset.media_type} #{asset.id} is not used: {reason}.
            </small>
            <button
              type="button"
              className="link"
              aria-label={`Remove unused ${asset.media_type} #${asset.id}`}
              onClick={() => onRemove(index)}
            >
              Remove
            </button>
          </div>
        ))}
      </div>
      <small className="field-help">Choose an operation that takes it to use it again.</small>
    </fieldset>
  );
}
