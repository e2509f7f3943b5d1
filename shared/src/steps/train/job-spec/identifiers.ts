/** Names of inputs, outputs and search-space parameters, as the service accepts them. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Pipeline inputs may be grouped with dots. */
export const DOTTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
