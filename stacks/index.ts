import { App } from "cdktf";
import { Settings } from "../config/settings";
import { regionalStackName } from "../lib/naming";
import { BackupsStack } from "./backups";
import { BootstrapStack } from "./bootstrap";
import { ComputeStack } from "./compute";
import { DataStack } from "./data";
import { DeliveryStack } from "./delivery";
import { DeliveryGithubStack } from "./delivery-github";
import { EdgeStack } from "./edge";
import { KeysStack } from "./keys";
import { NetworkStack } from "./network";
import { ObservabilityStack } from "./observability";
import { RegistryStack } from "./registry";
import { StorageStack } from "./storage";

/** Every stack of one synth, by role, so callers (tests, tools) reach them by property. */
export interface Stacks {
  readonly bootstrap: BootstrapStack;
  readonly keys: KeysStack;
  readonly network: NetworkStack;
  readonly registry: RegistryStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  readonly backups: BackupsStack;
  readonly compute: ComputeStack;
  readonly observability: ObservabilityStack;
  readonly edge: EdgeStack;
  readonly delivery: DeliveryStack;
  readonly deliveryGithub: DeliveryGithubStack;
  /** Secondary regions' network, data and observability stacks (phase 4). */
  readonly regional: readonly { network: NetworkStack; data: DataStack; observability: ObservabilityStack }[];
}

/**
 * Wires the stacks of one phase. Stack names never contain the phase: moving to the next phase
 * changes these same stacks (and adds new ones), planned against the same state.
 */
export function buildStacks(app: App, settings: Settings): Stacks {
  const { phase } = settings;
  const primary = phase.regions.find((r) => r.primary)!;
  const base = { settings, region: primary.region };

  const bootstrap = new BootstrapStack(app, "bootstrap", base);
  const keys = new KeysStack(app, "keys", base);
  const network = new NetworkStack(app, "network", { ...base, regionConfig: primary, keys });
  const registry = new RegistryStack(app, "registry", { ...base, keys });
  const data = new DataStack(app, "data", { ...base, regionConfig: primary, keys, network });
  const storage = new StorageStack(app, "storage", base);
  const backups = new BackupsStack(app, "backups", { ...base, keys, storage, network, data, registry });
  const compute = new ComputeStack(app, "compute", { ...base, keys, network, registry, data, storage });
  const observability = new ObservabilityStack(app, "observability", { ...base, regionConfig: primary, keys, compute, data });
  const edge = new EdgeStack(app, "edge", { settings, compute });
  const delivery = new DeliveryStack(app, "delivery", { ...base, registry });
  const deliveryGithub = new DeliveryGithubStack(app, "delivery-github", { settings, delivery, region: primary.region });

  const regional = phase.regions
    .filter((r) => !r.primary)
    .map((rc) => {
      const props = { settings, region: rc.region, regionConfig: rc, keys };
      const net = new NetworkStack(app, regionalStackName("network", rc), props);
      return {
        network: net,
        data: new DataStack(app, regionalStackName("data", rc), { ...props, network: net }),
        observability: new ObservabilityStack(app, regionalStackName("observability", rc), props),
      };
    });

  return { bootstrap, keys, network, registry, data, storage, backups, compute, observability, edge, delivery, deliveryGithub, regional };
}
