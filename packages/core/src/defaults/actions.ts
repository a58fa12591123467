import type { ActionDefinition } from "../Action.js"

export const actionCatalogue: ReadonlyArray<ActionDefinition> = [
  {
    id: "docker.restart",
    title: "Restart a container",
    description:
      "Restarts the role's container through the Docker Engine API and waits until it runs again (and is healthy, where it has a health check).",
    seedCommand: "docker-compose restart app",
    automated: true,
  },
  {
    id: "docker.prune",
    title: "Clear temporary Docker data",
    description:
      "Removes stopped containers, dangling images and unused networks (`docker system prune -f`).",
    seedCommand: "docker system prune -f",
    automated: false,
  },
  {
    id: "compose.scale",
    title: "Scale the application",
    description: "Runs more replicas of the application service.",
    seedCommand: "docker-compose up --scale app=3",
    automated: false,
  },
  {
    id: "deploy.rollback",
    title: "Roll back to the last known good version",
    description: "Find the last good commit, check it out and rebuild the services.",
    seedCommand:
      "git log --oneline -10\ngit checkout <last-good-commit>\ndocker-compose up --build -d",
    automated: false,
  },
  {
    id: "resources.increase-limits",
    title: "Increase resource limits",
    description: "Raise the memory and CPU limits of the affected services.",
    automated: false,
  },
  {
    id: "postgres.restore-check",
    title: "Check that the newest backup restores",
    description:
      "Restores the newest `pg_dump` custom-format backup into a scratch database, runs the sanity queries (row counts, newest row per table), reports how long the restore took and how old the data is, and drops the scratch database.",
    seedCommand: "scripts/recovery/backup_recovery.sh",
    automated: true,
  },
]
