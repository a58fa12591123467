// The real services come from scripts/with-services.sh; one implementation for every package.
export { requireService } from "../../../scripts/requireService.js"
