import { act, renderHook } from "@testing-library/react";
import { BOARD_KEY, setBoard, useBoard } from "src/common/board";

describe("the current board", () => {
  it("is kept, heard by every user of it, and cleared", () => {
    const { result } = renderHook(() => useBoard());
    expect(result.current).toBeNull();
    act(() => setBoard(7));
    expect(result.current).toBe(7);
    expect(localStorage.getItem(BOARD_KEY)).toBe("7");
    act(() => setBoard(null));
    expect(result.current).toBeNull();
    localStorage.setItem(BOARD_KEY, "nope");
    act(() => window.dispatchEvent(new StorageEvent("storage", { key: BOARD_KEY })));
    expect(result.current).toBeNull();
  });
});
