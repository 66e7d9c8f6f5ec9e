import { allSelected, isSelected, keepListed, matchingAll, NONE, selectedCount, toggle, togglePage } from "src/common/selection";

const order = [9, 8, 7, 6, 5, 4];

describe("multi-select", () => {
  it("toggles single items and selects a shift-clicked range either way", () => {
    let s = toggle(NONE, 8, order, false);
    expect([...s.ids]).toEqual([8]);
    s = toggle(s, 5, order, true);
    expect([...s.ids].sort()).toEqual([5, 6, 7, 8]);
    s = toggle(s, 9, order, true); // from the last click (5) up to 9
    expect([...s.ids].sort()).toEqual([5, 6, 7, 8, 9]);
    s = toggle(s, 7, order, false);
    expect(isSelected(s, 7)).toBe(false);
    expect(selectedCount(s)).toBe(4);
  });

  it("a shift-click with no earlier click is a plain click", () => {
    const s = toggle(NONE, 6, order, true);
    expect([...s.ids]).toEqual([6]);
  });

  it("selects the page, then all matching; a click leaves 'all matching' keeping the page", () => {
    let s = togglePage(NONE, order);
    expect(allSelected(s, order)).toBe(true);
    s = matchingAll(s);
    expect(selectedCount(s, 120)).toBe(120);
    expect(isSelected(s, 1234)).toBe(true);
    s = toggle(s, 4, order, false);
    expect(s.matching).toBe(false);
    expect([...s.ids].sort()).toEqual([5, 6, 7, 8, 9]);
    expect(togglePage(togglePage(NONE, order), order)).toBe(NONE);
  });

  it("drops what is no longer listed", () => {
    const s = togglePage(NONE, order);
    expect([...keepListed(s, [9, 8]).ids]).toEqual([9, 8]);
    expect(keepListed(s, order)).toBe(s);
  });
});
