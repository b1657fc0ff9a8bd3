import { Request, Response } from 'express';
import * as cp from 'child_process';
import { promisify } from 'util';

const execAsync = promisify(cp.exec);

export class BackupController {
  async run(req: Request, res: Response) {
    const name = req.params.name;
    await execAsync(`tar czf /backups/${name}.tgz /data`); // vuln
    res.sendStatus(204);
  }

  async runSafe(req: Request, res: Response) {
    const name = req.params.name;
    if (!/^[a-z0-9-]+$/.test(name)) return res.status(400).end();
    await execAsync(`tar czf /backups/${name}.tgz /data`); // safe
    res.sendStatus(204);
  }
}
