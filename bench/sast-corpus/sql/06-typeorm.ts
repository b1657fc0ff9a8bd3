import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Controller('reports')
export class ReportsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async list(@Query('year') year: string) {
    return this.dataSource.query(`SELECT * FROM reports WHERE year = ${year}`); // vuln
  }

  @Get('safe')
  async listSafe(@Query('year') year: string) {
    return this.dataSource.query('SELECT * FROM reports WHERE year = $1', [year]); // safe
  }

  @Get('qb')
  async qb(@Query('name') name: string) {
    return this.dataSource.createQueryBuilder().select('r').from('reports', 'r').where(`r.name = '${name}'`).getMany(); // vuln
  }
}
