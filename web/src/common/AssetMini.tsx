/** A small picture of an asset by id (a job's input or output): its thumbnail, or nothing
 * when it has none or is gone. */
import { useState } from "react";
import { Link } from "react-router";

export function AssetMini({ id, label }: { id: number; label: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return (
    <Link to={`/gallery/${id}`} className="mini" title={`${label}: asset #${id}`}>
      <img src={`/api/v1/assets/${id}/thumbnail`} alt={`${label} #${id}`} loading="lazy" onError={() => setFailed(true)} />
    </Link>
  );
}
