import tseslint from "typescript-eslint";

// Time is injected (src/clock.ts is the only file that reads it), so that tests
// can run hours of simulated time in milliseconds.
const timeGlobals = ["setTimeout", "setInterval", "setImmediate"].map((name) => ({
  name,
  message: "Use the injected Clock (src/clock.ts).",
}));

export default tseslint.config(
  { ignores: ["dist/", "out/", "node_modules/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-globals": ["error", ...timeGlobals],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Use the injected Clock (src/clock.ts)." },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Use the injected Clock (src/clock.ts)." },
      ],
    },
  },
  {
    files: ["src/clock.ts"],
    rules: { "no-restricted-globals": "off", "no-restricted-syntax": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
