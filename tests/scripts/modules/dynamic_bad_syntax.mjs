console.log("never: this module does not parse");
export const x = ;
