/** What the palette and the gallery panel put in a drag, for the canvas to read on drop. */
export const ASSET_TYPE = "application/x-pixsim7-asset";
export const NODE_TYPE = "application/x-pixsim7-node-type";

export interface DraggedAsset {
  id: number;
  media_type: string;
}

export function readAsset(data: DataTransfer): DraggedAsset | null {
  try {
    const value = JSON.parse(data.getData(ASSET_TYPE)) as Partial<DraggedAsset>;
    return typeof value.id === "number" && typeof value.media_type === "string" ? (value as DraggedAsset) : null;
  } catch {
    return null;
  }
}

export const carries = (data: DataTransfer, type: string) => Array.from(data.types).includes(type);
