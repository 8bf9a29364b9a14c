export const name = "computed";
