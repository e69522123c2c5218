/**
 * A string Terraform must take literally. Terraform reads `${` and `%{` in any string of the
 * configuration as the start of an interpolation or a template directive, so text that carries
 * them for someone else (GitHub's `${{ vars.X }}`, a JavaScript template literal) must double them;
 * Terraform writes the single form back out.
 */
export function terraformLiteral(text: string): string {
  return text.split("${").join("$${").split("%{").join("%%{");
}

/** The inverse, for tests that read a literal back from synthesized JSON. */
export function fromTerraformLiteral(text: string): string {
  return text.split("$${").join("${").split("%%{").join("%{");
}
