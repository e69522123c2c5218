import tseslint from "typescript-eslint";

// Deep imports only: a provider package's root pulls in every resource class it has
// (23.8 s and 1.7 GB for a small app, against 0.45 s with deep imports).
const providerRoots = ["@cdktf/provider-aws", "@cdktf/provider-cloudflare", "@cdktf/provider-github"];

// Floors, bottom to top: lib/ (leaf helpers) < config/, phases/, modules/, policy/ < stacks/ < tools/ < scripts/.
// A floor never imports one above it.
const floor = (dirs, why) => dirs.map((dir) => ({ regex: `^(\\.\\./)+${dir}(/|$)`, message: why }));

function restrictedImports(extraPatterns) {
  return [
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
        ...extraPatterns,
      ],
    },
  ];
}

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdktf.out/", ".plan/", ".bench/", "coverage/", "**/*.js", "**/*.mjs"] },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "no-restricted-imports": restrictedImports([]),
      "@typescript-eslint/no-explicit-any": "off",
      "no-debugger": "error",
      "no-console": "off",
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": restrictedImports(
        floor(
          ["config", "phases", "modules", "policy", "stacks", "tools", "scripts"],
          "lib/ holds leaf helpers: it imports nothing above it",
        ),
      ),
    },
  },
  {
    files: ["config/**/*.ts", "phases/**/*.ts", "modules/**/*.ts", "policy/**/*.ts", "stacks/**/*.ts"],
    rules: {
      "no-restricted-imports": restrictedImports(
        floor(["tools", "scripts"], "tools/ and scripts/ sit above the stacks: import them only from tools/, scripts/ or tests"),
      ),
    },
  },
);
