import { Component } from '@angular/core';
import { DomSanitizer, SafeHtml } from '@angular/platform-browser';
import { ActivatedRoute } from '@angular/router';

@Component({ selector: 'app-page', template: '<div [innerHTML]="content"></div>' })
export class PageComponent {
  content: SafeHtml;
  constructor(private sanitizer: DomSanitizer, private route: ActivatedRoute) {
    const html = this.route.snapshot.queryParams['html'];
    this.content = this.sanitizer.bypassSecurityTrustHtml(html); // vuln
  }
}
