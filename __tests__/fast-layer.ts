// The fast layer (`npm test`) leaves the real-terraform parts of PARTIAL files to the slow layer.
process.env.RESTARTIX_SKIP_TERRAFORM = "1";
