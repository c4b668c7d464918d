import { provideZonelessChangeDetection } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";
import { StatsComponent } from "./stats.component";

bootstrapApplication(StatsComponent, { providers: [provideZonelessChangeDetection()] }).catch((e) => console.error(e));
