"""Pure, vectorised angle maths over ``(T, ...)`` arrays. Imports numpy only."""
