import { show } from "../../json";
import { Rule } from "../../types";

export const ECRImmutableTags: Rule = {
  id: "RX-ECR-4",
  name: "ECRImmutableTags",
  level: "warning",
  title: "ECR image tags are mutable",
  explanation: "With mutable tags, the image behind a tag can be replaced after review; immutable tags make a tag mean one image forever.",
  fix: 'Set image_tag_mutability = "IMMUTABLE" (deploy by digest or commit tag).',
  mirrors: ["CKV_AWS_51", "ECR.2"],
  appliesTo: ["aws_ecr_repository"],
  evaluate: (repo) =>
    repo.config.image_tag_mutability === "IMMUTABLE"
      ? undefined
      : `image_tag_mutability is ${show(repo.config.image_tag_mutability ?? "MUTABLE")}`,
};
