/** What the canvas's nodes and edges (drawn by React Flow, not by the editor) can reach. */
import { createContext, useContext } from "react";

export interface CanvasActions {
  selectEdge(id: string): void;
  renameFrame(id: string, label: string): void;
}

export const CanvasContext = createContext<CanvasActions>({ selectEdge: () => {}, renameFrame: () => {} });

export const useCanvasActions = () => useContext(CanvasContext);
