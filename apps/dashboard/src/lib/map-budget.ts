// How many predictions a map draws one by one at most, above which it asks for bins: a
// software-WebGL frame (no GPU) stays under 250 ms with a few thousand instances
// (docs/decisions.md, "The maps ask the server for each view's detail"). Its own module so the
// bench reads it without loading the page's code.
export const MAP_BUDGET = 4_000;
