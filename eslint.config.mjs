import tseslint from "typescript-eslint";

// Deep imports only: a provider package's root pulls in every resource class it has
// (23.8 s and 1.7 GB for a small app, against 0.45 s with deep imports).
const providerRoots = ["@cdktf/provider-aws", "@cdktf/provider-cloudflare", "@cdktf/provider-github"];

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".plan/", ".bench/", "coverage/", "**/*.js", "**/*.mjs"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: providerRoots.map((name) => ({
            name,
            message: `import the resource's module instead: ${name}/lib/<resource>`,
          })),
          patterns: [
            {
              regex: "^@cdktf/provider-(aws|cloudflare|github)/lib(/index(\\.js)?)?$",
              message: "import a resource module: <provider>/lib/<resource>",
            },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": "off",
      "no-debugger": "error",
      "no-console": "off",
    },
  },
);
